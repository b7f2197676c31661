"""Figures and agenda -> sheet contents (values + the few formats that matter), writer-agnostic."""
