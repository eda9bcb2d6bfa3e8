"""Modal dialogs and questions shown over a screen: actions, records, discarding, narrowing."""
