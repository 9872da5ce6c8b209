"""Post-training (SFT and GRPO with LoRA) of the reasoning models."""
