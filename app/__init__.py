"""The Gradio web UI for engineers and the HTTP agent API."""
