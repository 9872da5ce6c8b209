"""Prompt text of the MASSE roles that consult a model (llm mode). Text only: no logic lives here."""

EXTRACT_PROBLEM = """You are the Project Manager of a structural engineering team checking a steel storage rack.
Read the problem below into the JSON schema you are given. Copy every number exactly as the text states it, in the
units the text uses (feet, inches, pounds, kip/in^2). Do not compute, convert or invent any value: a value the text
does not state must not appear.

Field guide:
- bays, pallets_per_beam, beam_length_ft: the rack's bays, pallets on each beam, beam length.
- frame_width_ft: the gap between the two posts of the side elevation; frame_height_ft: the post height.
- level_elevations_ft and pallet_weights_lb: the heights of the floors (beam levels), bottom up, and the weight of
  one pallet at each of them, in the same order.
- braces: every pin-ended brace as [[x1, y1], [x2, y2]] in feet, exactly as listed.
- column and brace_section: the U-channel dimensions as written "(A in x B in x C in": width_in = A, depth_in = B,
  thickness_in = C.

Problem:
{problem}
{feedback}"""

EXTRACT_FEEDBACK = """
Your previous answer contained numbers that are not in the problem text: {ungrounded}. Use only numbers the text
states."""

REDESIGN = """You are the Design agent of a structural engineering team. The storage-rack side frame below failed its
CSA S16 member checks. Choose sections for the next design round from the catalogue: you may only name catalogue
entries, and a member group that failed must get a heavier section than it has now.

Current post (upright): {post}
Current brace: {brace}
Failing members (utilisation > 1.00): {failing}

Post catalogue, light to heavy: {posts}
Brace catalogue, light to heavy: {braces}

Answer with the post and brace names and one sentence of reason."""

SIGN_OFF = """You are the Safety Manager. The tools have checked every member of the rack frame below; the verdict is
{verdict} (largest utilisation {utilisation:.2f}, governing {governing}). Write a two-sentence sign-off note for the
report that states the verdict and the governing member. Do not state any number that is not given here.

{table}"""
