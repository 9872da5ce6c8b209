"""Prompt text of the MASSE roles that consult a model (llm mode). Text only: no logic lives here."""

READ_KIND = """Is the structure in the problem below a storage rack (pallet racking) or a steel building frame?

Problem:
{problem}"""

READ_PART = """You are the Project Manager of a structural engineering team. From the problem below, copy {ask}.
Copy each number exactly as the text writes it, in the text's units; do not compute, convert or invent values.

Problem:
{problem}
{feedback}"""

READ_PART_FEEDBACK = """
Your previous answer to this was rejected: {problem}. Read the text again."""

REDESIGN = """You are the Design agent of a structural engineering team. The {title} below failed its CSA S16
member checks. Choose sections for the next design round from the catalogue: you may only name catalogue entries,
and a member group that failed must get a heavier section than it has now.

Current sections: {current}
Failing members (utilisation > 1.00): {failing}

Catalogue per member group, light to heavy:
{catalogue}

Answer with a section for each group you change (null keeps the current one) and one sentence of reason."""

SIGN_OFF = """You are the Safety Manager. The tools have checked every member of the {title} below; the verdict is
{verdict} (largest utilisation {utilisation:.2f}, governing {governing}). Write a two-sentence sign-off note for the
report that states the verdict and the governing member. Do not state any number that is not given here.

{table}"""
