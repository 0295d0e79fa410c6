"""scratchcnn: convolutional neural networks from scratch in NumPy.

The reference library of the course. Each module is one idea:

* :mod:`scratchcnn.util`       output sizes, im2col and col2im
* :mod:`scratchcnn.functions`  activations, softmax, cross-entropy
* :mod:`scratchcnn.layers`     layers with forward/backward (Convolution, Pooling, Affine, ...)
* :mod:`scratchcnn.gradient`   numerical gradients and gradient checks
* :mod:`scratchcnn.optimizer`  SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam
* :mod:`scratchcnn.networks`   SimpleConvNet, DeepConvNet
* :mod:`scratchcnn.trainer`    Trainer, the training loop
* :mod:`scratchcnn.seeding`    where the random numbers come from (``np.random.seed`` repeats a run)
* :mod:`scratchcnn.threads`    how the larger layers share a batch between the cores
* :mod:`scratchcnn.memory`     freed arrays kept for the next step (fewer page faults)
* :mod:`scratchcnn.datasets`   MNIST (full, from the web or a folder) and an offline subset
* :mod:`scratchcnn.visualize`  filters, feature maps, learning curves, confusion matrices
"""

from .functions import cross_entropy_error, log_softmax, relu, sigmoid, softmax
from .gradient import gradient_check, numerical_gradient, relative_error
from .layers import Affine, BatchNormalization, Convolution, Dropout, Pooling, Relu, Sigmoid, SoftmaxWithLoss
from .memory import keep_freed_memory
from .networks import DeepConvNet, SimpleConvNet
from .optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from .trainer import Trainer
from .util import col2im, conv_output_size, im2col

__version__ = "1.0.0"

keep_freed_memory()  # once, for the whole process: see scratchcnn.memory

__all__ = [
    "conv_output_size",
    "im2col",
    "col2im",
    "relu",
    "sigmoid",
    "softmax",
    "log_softmax",
    "cross_entropy_error",
    "Relu",
    "Sigmoid",
    "Affine",
    "SoftmaxWithLoss",
    "Dropout",
    "BatchNormalization",
    "Convolution",
    "Pooling",
    "numerical_gradient",
    "relative_error",
    "gradient_check",
    "SGD",
    "Momentum",
    "Nesterov",
    "AdaGrad",
    "RMSprop",
    "Adam",
    "SimpleConvNet",
    "DeepConvNet",
    "Trainer",
]
