# expect-score: 0
# expect-status: graded
# Attack 5: the passes call scratchcnn's Pooling layer, the very thing the exercise asks
# for. Every test scores 0 and the answer cells' comments say why.
# %% pool_forward
import scratchcnn

def pool_forward(x, pool_h, pool_w, stride=1):
    layer = scratchcnn.Pooling(pool_h, pool_w, stride=stride)
    return layer.forward(x), layer
# %% pool_backward
def pool_backward(dout, cache):
    return cache.backward(dout)
