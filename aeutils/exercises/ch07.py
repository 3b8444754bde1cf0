"""Chapter 7 exercises."""
