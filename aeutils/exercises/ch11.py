"""Chapter 11 exercises."""
