"""The projection runtime: stream workers folding branch streams into the graph."""
