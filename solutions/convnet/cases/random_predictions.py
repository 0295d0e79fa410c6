# expect-score: 10
# expect-status: graded
# The network is right, but train_convnet returns a "network" that answers at random: its
# scores have the right shape, so the visible checks pass; about 10% of the hidden digits
# are right, and the training test scores 0.
# %% simple_convnet
<<solution>>
# %% train_convnet
class Guesser:
    def __init__(self):
        self.rng = np.random.default_rng(0)

    def predict(self, x):
        return self.rng.random((len(x), 10))

    def accuracy(self, x, t):
        return float(np.mean(np.argmax(self.predict(x), axis=1) == t))


def train_convnet(x_train, t_train, x_test, t_test):
    return Guesser()
