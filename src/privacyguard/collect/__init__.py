"""Collection: browsers, pages, locating controls and reading their values into a Snapshot."""
