"""话术合规检查: hosts check a live script against advertising, price and platform rules before going on air."""
