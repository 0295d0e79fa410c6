# expect-score: 20
# expect-status: graded
# Style: module-level helper functions in an extra cell shared by both classes, prints of
# shapes on the first call, %time and %%capture magics in extra cells.
# %% new after setup
def rows_to_images(rows, N, OH, OW, K):
    """(N*OH*OW, K) -> (N, K, OH, OW)."""
    return rows.reshape(N, OH, OW, K).transpose(0, 3, 1, 2)


def images_to_rows(images):
    """(N, K, OH, OW) -> (N*OH*OW, K)."""
    return images.transpose(0, 2, 3, 1).reshape(-1, images.shape[1])


SHOWN = set()


def show_once(what, *shapes):
    if what not in SHOWN:
        SHOWN.add(what)
        print(what, *shapes)
# %% convolution
class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.dW = None
        self.db = None

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        OH, OW = conv_output_size(H, FH, self.stride, self.pad), conv_output_size(W, FW, self.stride, self.pad)
        self.x_shape = x.shape
        self.col = im2col(x, FH, FW, self.stride, self.pad)
        self.col_W = self.W.reshape(FN, -1).T
        show_once("conv forward", self.col.shape, self.col_W.shape)
        return rows_to_images(np.dot(self.col, self.col_W) + self.b, N, OH, OW, FN)

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = images_to_rows(dout)
        show_once("conv backward", rows.shape)
        self.db = np.sum(rows, axis=0)
        self.dW = np.dot(self.col.T, rows).transpose(1, 0).reshape(FN, C, FH, FW)
        return col2im(np.dot(rows, self.col_W.T), self.x_shape, FH, FW, self.stride, self.pad)
# %% new after test_conv_backward
%time Convolution(np.random.rand(30, 1, 5, 5), np.zeros(30)).forward(np.random.rand(100, 1, 28, 28)).shape
# %% pooling
class Pooling:
<<shared:pooling_init.py>>
    def forward(self, x):
        N, C, H, W = x.shape
        ph, pw, s, p = self.pool_h, self.pool_w, self.stride, self.pad
        OH, OW = conv_output_size(H, ph, s, p), conv_output_size(W, pw, s, p)
        self.x_shape = x.shape
        if self.mode == "max":
            xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)], constant_values=-np.inf)
            col = im2col(xp, ph, pw, s).reshape(-1, ph * pw)
            self.arg_max = col.argmax(axis=1)
            out = col.max(axis=1)
        else:
            out = im2col(x, ph, pw, s, p).reshape(-1, ph * pw).mean(axis=1)
        show_once("pool forward " + self.mode, out.shape)
        return rows_to_images(out, N, OH, OW, C)

    def backward(self, dout):
        ph, pw = self.pool_h, self.pool_w
        g = images_to_rows(dout).ravel()
        if self.mode == "max":
            d = np.zeros((g.size, ph * pw))
            d[np.arange(g.size), self.arg_max] = g
        else:
            d = np.tile((g / (ph * pw))[:, None], (1, ph * pw))
        return col2im(d.reshape(-1, self.x_shape[1] * ph * pw), self.x_shape, ph, pw, self.stride, self.pad)
# %% new
%%capture
layer = Pooling(2, 2)
layer.forward(x_pool)
print(layer.backward(np.ones((1, 1, 2, 2))))
