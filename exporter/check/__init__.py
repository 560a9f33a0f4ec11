"""Offline feed checking (RSS, Atom, JSON Feed): the rules `check` and `export` share.

Callers need two modules: `checker` (`check_bytes`, `check_path`, `size_problems`)
and `context` (`CheckContext`). The feed families and how each is recognised are
registered in `families`; each family's rules live in its own modules, loaded on
first use. URL syntax is `exporter.iri`, shared with the config and the contract.
"""
