"""Privacy: which conversations belong to a customer, erasure on request, retention."""
