"""Chapter 12 exercises."""
