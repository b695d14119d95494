"""Reading sources: PDF, DOCX and text files to plain text pages, cleaned for the clause tree."""
