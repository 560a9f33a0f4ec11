"""After the write: telling others that the feeds changed (`websub`: WebSub hubs)."""
