"""LangGraph workflows: MASSE structural-engineering agents, game-theory arenas and the economics agent."""
