"""The export: plan → assemble → verify → write, on verified entry fragments.

`pipeline.run_export` is the one way in; `request` holds its types; `produce`
turns input files into entries and fragments (in worker processes), `plan`
decides which fragments make which feed, `assemble` streams them into files
and verifies what spans entries, `store` is the cache that lets a re-export
cost only what changed.
"""
