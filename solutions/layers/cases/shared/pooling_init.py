    def __init__(self, pool_h, pool_w, stride=None, pad=0, mode="max"):
        if mode not in ("max", "avg"):
            raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
        if stride is None:  # windows side by side; only unambiguous for a square window
            if pool_h != pool_w:
                raise ValueError(f"pass the stride for a {pool_h}x{pool_w} window")
            stride = pool_h
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.mode = mode
