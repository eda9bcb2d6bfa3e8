"""How the screens show things: times in the one zone, field labels, events, outcomes."""
