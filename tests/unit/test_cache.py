import pytest
import torch

from aeutils import cache
from aeutils.models import MLPAutoencoder


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "models"))
    return tmp_path / "models"


@pytest.fixture
def count_fits(monkeypatch):
    calls = []
    real_fit = cache.fit

    def counting_fit(*args, **kwargs):
        calls.append(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(cache, "fit", counting_fit)
    return calls


def data(seed=0):
    return torch.rand(32, 8, generator=torch.Generator().manual_seed(seed))


def make():
    return MLPAutoencoder((8, 3))


def test_second_call_loads_the_same_weights_without_training(count_fits, private_cache):
    model_a, history_a = cache.fit_cached(make, data(), name="tiny", epochs=3, progress=False)
    model_b, history_b = cache.fit_cached(make, data(), name="tiny", epochs=3, progress=False)
    assert len(count_fits) == 1
    assert all(
        torch.equal(a, b) for a, b in zip(model_a.parameters(), model_b.parameters(), strict=True)
    )  # noqa: E501
    assert history_b.train_loss == history_a.train_loss
    assert len(list(private_cache.glob("tiny-*.pt"))) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"epochs": 4},
        {"seed": 1},
        {"lr": 0.01},
    ],
)
def test_a_different_configuration_trains_again(count_fits, change):
    cache.fit_cached(make, data(), name="tiny", epochs=3, progress=False)
    settings = {"epochs": 3, "progress": False} | change
    cache.fit_cached(make, data(), name="tiny", **settings)
    assert len(count_fits) == 2


def test_different_data_or_architecture_trains_again(count_fits):
    cache.fit_cached(make, data(0), name="tiny", epochs=1, progress=False)
    cache.fit_cached(make, data(1), name="tiny", epochs=1, progress=False)
    cache.fit_cached(lambda: MLPAutoencoder((8, 4)), data(0), name="tiny", epochs=1, progress=False)
    assert len(count_fits) == 3


def test_progress_is_not_part_of_the_key(count_fits):
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=True)
    assert len(count_fits) == 1


def test_an_unreadable_cache_file_is_replaced_by_training_again(count_fits, private_cache):
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)
    (path,) = private_cache.glob("tiny-*.pt")
    path.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="unreadable cache file"):
        cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)
    assert len(count_fits) == 2
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)  # repaired
    assert len(count_fits) == 2


@pytest.mark.parametrize("bad", ["", "a b", "../x", 3])
def test_bad_names_are_rejected(bad):
    with pytest.raises(ValueError, match="name must be"):
        cache.fit_cached(make, data(), name=bad, epochs=1)


def test_checkpoint_argument_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="do not pass checkpoint"):
        cache.fit_cached(make, data(), name="tiny", checkpoint=tmp_path / "x.pt")


def test_a_lambda_in_the_settings_is_refused_since_its_key_would_never_match():
    with pytest.raises(ValueError, match=r"cannot key loss = .*<lambda>.*top level"):
        cache.fit_cached(make, data(), name="tiny", epochs=1, loss=lambda a, b: (a - b).abs())


def test_a_change_to_aeutils_source_trains_again(count_fits, monkeypatch):
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)
    monkeypatch.setattr(cache, "code_digest", lambda: "another-version")
    cache.fit_cached(make, data(), name="tiny", epochs=1, progress=False)
    assert len(count_fits) == 2


def test_code_digest_covers_what_trains_and_not_the_self_checks_explorers_or_book_helpers():
    names = {p.relative_to(cache._PACKAGE).as_posix() for p in cache.training_sources()}
    assert {"train.py", "models.py", "runtime.py", "data.py", "cache.py"} <= names
    assert not {n for n in names if n.startswith("exercises/")}
    assert not {"explorer.py", "book.py"} & names


def test_files_digest_changes_with_any_byte_or_name(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("y = 2\n")
    before = cache.files_digest([a, b], tmp_path)
    assert before == cache.files_digest([a, b], tmp_path) and len(before) == 16
    b.write_text("y = 3\n")
    assert cache.files_digest([a, b], tmp_path) != before
    b.write_text("y = 2\n")
    b.rename(tmp_path / "c.py")
    assert cache.files_digest([a, tmp_path / "c.py"], tmp_path) != before
