"""Sources and citations: BibTeX in, French numbered notes and a bibliography out."""
