"""Reading: bytes to text, and files (HTML, text, JSON, JSON Lines, feeds) to articles."""
