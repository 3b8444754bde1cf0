"""Chapter 8 exercises."""
