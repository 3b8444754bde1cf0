"""Chapter 10 exercises."""
