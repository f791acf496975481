"""Urgência: the page a person in pain opens from the installed app (``/urgencia``)."""
