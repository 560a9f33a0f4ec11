"""Writing feeds: atomic files, the sinks a feed streams into, the output-folder lock."""
