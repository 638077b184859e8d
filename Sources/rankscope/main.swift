print("rankscope")
