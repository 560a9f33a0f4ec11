"""Offline feed checking (RSS, Atom, JSON Feed): the rules `check` and `export` share."""
