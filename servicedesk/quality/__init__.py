"""Quality inspection of every conversation: words, emotion, service rules, review."""
