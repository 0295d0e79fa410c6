# expect-score: 6
# expect-status: graded
# gradient skips the ReLU layers on the way back ("they have no parameters"), so the
# gradients are wrong: the gradient test fails, shapes, predict and loss keep their 6 points.
# train_convnet was not written.
# %% simple_convnet
<<solution>>


def gradient_without_relu(self, x, t):
    self.loss(x, t)
    dout = self.last_layer.backward(1)
    for layer in reversed(self.layers.values()):
        if not isinstance(layer, Relu):
            dout = layer.backward(dout)
    return {
        "W1": self.layers["Conv1"].dW, "b1": self.layers["Conv1"].db,
        "W2": self.layers["Affine1"].dW, "b2": self.layers["Affine1"].db,
        "W3": self.layers["Affine2"].dW, "b3": self.layers["Affine2"].db,
    }


SimpleConvNet.gradient = gradient_without_relu
