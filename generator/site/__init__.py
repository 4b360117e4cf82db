"""Everything the site holds, as pages and files in memory: the register, maps, open
data, statistics pages and the home page's figures. Knows nothing of MkDocs."""
