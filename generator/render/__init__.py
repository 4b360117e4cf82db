"""Everything that knows MkDocs or Pagefind: the plugin, the fast pages filled from one
skeleton per folder, the Content Security Policy and the search index."""
