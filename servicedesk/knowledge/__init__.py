"""The knowledge base: entries, retrieval without training, the learning loop."""
