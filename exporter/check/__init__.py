"""Offline feed checking (RSS, Atom, JSON Feed, OPML): the rules `check` and `export` share.

Callers need two modules: `checker` (`check_bytes`, `check_path`, `size_problems`;
`examine_path` also returns a document's archive facts) and `context`
(`CheckContext`); the `check` command adds `folder` for the rules that span the
feeds of a folder (RFC 5005 archives, JSON Feed pages), and `export` runs the
Atom rule that compares entries' dates (`atom_entries.duplicate_updated`) on the
feeds it assembles. The feed families and
how each is recognised are registered in `families`; each family's rules live in
its own modules, loaded on first use. URL syntax is `exporter.iri`, shared with
the config and the contract.
"""
