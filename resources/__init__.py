"""Data files shipped with posmap: sample documents, codebook, fonts, icons."""
