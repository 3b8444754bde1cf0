"""Chapter 9 exercises."""
