# expect-score: 0
# expect-status: graded
# Attack 5, by inheritance: both classes subclass the reference classes and override
# nothing. Subclassing is caught twice: by reading the code (every test scores 0, with the
# comment on each answer cell) and at run time (the module is not in the sandbox).
# %% convolution
import scratchcnn.layers


class Convolution(scratchcnn.layers.Convolution):
    """Mine."""
# %% pooling
from scratchcnn.layers import Pooling as Base


class Pooling(Base):
    def forward(self, x):
        return super().forward(x)
