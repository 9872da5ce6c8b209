"""Prompt text of the agent's model calls. Short on purpose: the embedded model has 135M parameters."""

ROUTE = """Which calculator solves this economics question? Answer "none" if no calculator fits.

Calculators:
{tools}

Question:
{question}"""

FILL = """Fill the input of the calculator "{tool}" from the question. Copy every number exactly as the question
writes it; do not compute or invent numbers.

Fields:
{fields}

Question:
{question}{feedback}"""

FILL_FEEDBACK = """

Your last input was rejected: {problem}. Fix it."""

PLAIN = """Reason step by step about the question below, then give your final answer as \\boxed{{...}}.

Question:
{question}"""
