"""The front page: what is happening in the council now. It belongs to no domain, so core stays a kernel."""
