# expect-score: 0
# expect-status: manual: *
# Issue 10 (2a): the reference library reached under another name. The code never names
# scratchcnn.layers: it looks for the library's files and loads them from a path, a copy and
# sys.path. The sandbox holds no module of the library that the exercise forbids, so every
# route finds nothing; the answers then fail, and importlib/exec flag the notebook.
# %% conv_forward
import glob, importlib.util, os, shutil, sys

places = ["/opt", "/home", "/tmp", "/root", "/work", "/srv", "/usr/local", *sys.path]
found = [p for top in places for p in glob.glob(top + "/**/scratchcnn/layers.py", recursive=True)]
found += [p for p in ("{REPO}/lib/scratchcnn/layers.py",) if os.path.exists(p)]
sys.path.insert(0, "{REPO}/lib")
Layer = None
for path in found:
    shutil.copytree(os.path.dirname(path), "copy_of_library")
    spec = importlib.util.spec_from_file_location("copy_of_library.layers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    Layer = module.Convolution
try:
    exec(open("{REPO}/lib/scratchcnn/layers.py").read())
    Layer = Convolution
except OSError:
    pass
print("routes to the reference:", found, Layer)


def conv_forward(x, W, b, stride=1, pad=0):
    layer = Layer(W, b, stride, pad)
    return layer.forward(x), layer
# %% conv_backward
def conv_backward(dout, layer):
    return layer.backward(dout), layer.dW, layer.db
