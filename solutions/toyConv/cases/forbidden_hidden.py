# expect-score: 0
# expect-status: manual: *
# Attack 5, disguised: the class is fetched through __import__ and a computed name, so the
# code never names it. The module holding it is not in toyConv's sandbox at all: the import
# fails, every test scores 0, and the notebook is flagged for a look at the disguise.
# %% conv_forward
Layer = getattr(__import__("scratch" + "cnn.layers", fromlist=["_"]), "Convol" + "ution")


def conv_forward(x, W, b, stride=1, pad=0):
    layer = Layer(W, b, stride, pad)
    out = layer.forward(x)
    return out, layer
# %% conv_backward
def conv_backward(dout, layer):
    return layer.backward(dout), layer.dW, layer.db
