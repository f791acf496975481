"""The network team (permission ``rede``): the queue of members' data reports under /atendimento/rede."""
