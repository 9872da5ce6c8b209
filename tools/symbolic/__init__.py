"""Safe symbolic mathematics: a restricted expression parser (never eval/sympify of raw text) and the tools on it."""
