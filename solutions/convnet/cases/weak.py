# expect-score: 10
# expect-status: graded
# The network is right, but it trains for a single epoch with the lecture's settings: about
# 80% of the hidden digits right, short of 95%. The training test scores 0, the rest 10.
# %% simple_convnet
<<solution>>
# %% train_convnet
from scratchcnn.trainer import Trainer


def train_convnet(x_train, t_train, x_test, t_test):
    network = SimpleConvNet(rng=0)
    Trainer(network, x_train, t_train, x_test, t_test, epochs=1, verbose=False, rng=0).train()
    return network
