"""Files: uploaded and generated media kept for their owner."""
