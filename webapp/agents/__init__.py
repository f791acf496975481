"""Support agents: accounts, member look-up with an audit log, and short links sent by WhatsApp."""
