"""The scikit-learn side of bench/sklearn-tables.js: draws its five stratified 80/20 splits of
scikit-learn's bundled wine, breast-cancer and digits tables (train_test_split, random_state 0-4),
writes each part as a CSV of raw features with the class last, and scores MLPClassifier with a
StandardScaler, both with their defaults, on the same split. Prints one JSON object per split.

Usage: /usr/bin/python3 bench/sklearn-tables.py OUT_DIR [SPLITS]
"""

import json
import os
import sys
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATA = os.path.join(os.path.dirname(__import__("sklearn").__file__), "datasets", "data")
# The file, and whether it opens with scikit-learn's line of counts and class names.
TABLES = {"wine": ("wine_data.csv", 1), "breast_cancer": ("breast_cancer.csv", 1), "digits": ("digits.csv.gz", 0)}


def write(path, x, y):
    # Raw features as the file had them (%.17g: every double read back exactly), the class last.
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt=["%.17g"] * x.shape[1] + ["%d"])


def main():
    out, splits = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    # MLPClassifier's 200 iterations end some runs before its tolerance is met: a warning, not an error.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    for name, (file, skip) in TABLES.items():
        table = np.loadtxt(os.path.join(DATA, file), delimiter=",", skiprows=skip)
        x, y = table[:, :-1], table[:, -1].astype(int)
        for seed in range(splits):
            xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, stratify=y, random_state=seed)
            train, test = (os.path.join(out, f"{name}-{seed}-{part}.csv") for part in ("train", "test"))
            write(train, xtr, ytr)
            write(test, xte, yte)
            model = make_pipeline(StandardScaler(), MLPClassifier(random_state=seed)).fit(xtr, ytr)
            print(json.dumps({"table": name, "seed": seed, "train": train, "test": test, "sklearn": model.score(xte, yte)}), flush=True)


main()
