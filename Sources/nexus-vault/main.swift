print("nexus-vault")
