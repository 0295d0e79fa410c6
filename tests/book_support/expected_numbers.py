"""The worked numbers every chapter must show, as the library computes them while the book builds.

``EXPECTED_NUMBERS`` maps a page (its path in the book, without extension) to the worked
examples of that chapter: ``(numbers, what they are)``. ``numbers`` is a string of numbers
separated by spaces; the test passes when they appear in this order, one right after the
other, among the numbers of the rendered page (prose, glued values, printed outputs, math),
whatever stands between them: brackets, line breaks, commas of a list. Write thousands with a
comma when the page does ("3,072"). So the 2 × 2 output printed as ``[[15 16]\\n [ 6 15]]``
matches "15 16 6 15".

The values are the ones the course promises (the issue and the lecture notes); if a change in
the library alters one, the page shows another number and this test fails.

Add your chapter's entries when you add its page to _toc.yml (see book/appendix_authors.md,
"Writing a chapter").
"""

EXPECTED_NUMBERS = {
    "book/ch01_why_convolution": [
        ("3,072", "a 32x32x3 image flattened for a fully connected layer"),
        ("0 300 300 0", "a row of the vertical-edge filter's feature map on the 0/100 image"),
        ("32 28 14 10 5", "LeNet's feature-map sizes"),
    ],
    "book/ch02_convolution": [
        ("15 16 6 15", "the 4x4 input convolved with the 3x3 filter"),
        ("18 19 9 18", "the same with a bias of 3"),
    ],
    "book/ch03_padding": [
        ("7 12 10 2 4 15 16 10 10 6 15 6 8 10 4 3", "the 4x4 example with zero padding 1"),
    ],
    "book/ch04_stride_output_size": [
        ("5 3", "7x7 input, 3x3 filter: output size at strides 1 and 2 (stride 3 impossible)"),
        ("15 17 15 17 15 17 15 17 15", "the lecture's 7x7 input at stride 2 (first row 15 17 ...)"),
        ("10 11", "(28, 31) with P=2, S=3, F=5"),
        ("4 2 1 3 1 1 4", "the padded 4x4 example: (4 + 2*1 - 3)/1 + 1 = 4"),
        ("7 2 0 3 3 1 2.333", "7x7, 3x3 filter, stride 3: not a whole number"),
        ("7 7 3 3 2 6", "frameworks round 7x7/F3/S3 down to 2 and never read row 6"),
    ],
    "book/ch05_channels_batches": [
        ("18 16 12 26", "the three-channel example: sum of the channel results"),
        ("10 76 760", "10 filters of 5x5x3 plus biases: 760 parameters"),
        ("32 32 10", "the output of that layer on 32x32x3, stride 1, pad 2"),
        ("4 3 32 32 4 10 32 32", "a batch (N, C, H, W) -> (N, FN, OH, OW)"),
    ],
    "book/ch06_pooling": [
        ("2 3 4 2", "2x2 max pooling, stride 2, of the 4x4 example"),
        ("1 1.5 2.25 1", "the same with average pooling"),
        ("9 7 6 8 9 7 6 8", "the 6x6 example max-pooled before and after a one-pixel shift"),
        ("2 30 24 24 2 30 12 12", "pooling keeps the channels"),
    ],
    "book/ch07_im2col": [
        ("4 12", "walk-through: col of a (1, 3, 3, 3) input with 2x2 filters"),
        ("12 2", "walk-through: col_W of two (3, 2, 2) filters"),
        ("4 2", "walk-through: col @ col_W"),
        ("8 12 12 2 8 2", "walk-through with N = 2: col (8, 12) @ col_W (12, 2) -> (8, 2)"),
        ("9 75 90 75", "im2col of (1,3,7,7) and (10,3,7,7) with 5x5 filters"),
        ("1 2 2 1 2 4 4 2 2 4 4 2 1 2 2 1", "windows covering each cell: col2im(im2col(ones))"),
        ("4 12 12 4", "pooling via im2col: one window per row"),
        ("8 12 24 4", "pooling via im2col with N = 2"),
    ],
    "book/ch08_layers": [
        ("2 4 3 5", "the (2, 3, 6, 5) batch, five 3x3 filters: product reshaped to (N, OH, OW, FN)"),
        ("2 5 4 3", "... and transposed to (N, FN, OH, OW)"),
        ("9 13 21 25 17 25 41 49", "toyConv forward: 0..8 with the all-ones and all-twos 2x2 filters, bias 1"),
        ("4 5 7 8 13 14 16 17", "toyPooling forward: 0..17 in two channels, 2x2 max pooling at stride 1"),
    ],
    "book/ch09_backprop": [
        ("9 13 21 25 17 25 41 49", "toyConv forward"),
        ("8 12 20 24 8 12 20 24 4 4 3 6 3 6 12 6 3 6 3", "toyConv backward with dout = ones: dW, db, dx"),
        ("0 0 0 0 1 1 0 1 1 0 0 0 0 1 1 0 1 1", "toyPooling backward with dout = ones: dx"),
        ("0.25 0.5 0.25 0.5 1 0.5 0.25 0.5 0.25", "average pooling 2x2, stride 1: dx for dout = ones"),
    ],
    "book/ch10_training": [
        ("1 28 28 30 24 24 30 12 12 4320 100 10", "SimpleConvNet: (N,1,28,28) -> ... -> (N,4320) -> (N,100) -> (N,10)"),
        ("780", "Conv1's parameters: 30 filters of 5x5 plus 30 biases"),
        ("432,100", "Affine1's parameters: 4320 x 100 + 100"),
        ("1,010", "Affine2's parameters: 100 x 10 + 10"),
        ("433,890", "SimpleConvNet's parameters in all"),
    ],
    "book/ch11_what_it_learned": [
        ("433,890", "SimpleConvNet's parameters, in the LeNet/AlexNet table"),
        ("60,000", "LeNet-5's trainable parameters, summed from the paper's per-layer counts"),
    ],
}
