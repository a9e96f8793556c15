"""Word lists and templates for ``snapshot.generate_snapshot_lines``: realistic-looking synthetic papers.

Data only. The words mix machine learning, physics and mathematics vocabulary with the common English
of abstracts ("we", "based", "learning", "results"), so a search index built over generated abstracts
sees both rare and very common terms. In templates ``{n}`` is a noun, ``{a}`` an adjective, ``{v}`` a
verb (third person), ``{m}`` a method verb (base form), ``{x}`` a LaTeX snippet and ``{t}`` the paper's
own topic (filled per paper, so each abstract keeps coming back to one subject).

``text_pools`` fills the templates once; the generator then only picks from the pools, which keeps it fast.
``weighted`` tables, the old-style months and ``rfc2822_text`` serve the generator too.
"""

from __future__ import annotations

import functools
import random
import re
import time
from typing import TypeVar

_T = TypeVar("_T")


def _words(text: str) -> tuple[str, ...]:
    """The distinct words of a text block, in order."""
    return tuple(dict.fromkeys(text.split()))


NOUNS = _words(
    """
    learning network networks model models transformer transformers attention representation representations
    embedding embeddings gradient gradients optimization optimizer loss objective regularization dropout
    classifier classification regression clustering segmentation detection generation translation retrieval
    reasoning inference training pretraining fine-tuning distillation pruning quantization compression
    benchmark benchmarks dataset datasets corpus annotation labels supervision policy policies agent agents
    reward exploration planning controller dynamics trajectory trajectories simulation simulator robot
    manipulation navigation perception vision language speech audio image images video point cloud graph
    graphs node nodes edge edges kernel kernels matrix matrices tensor tensors eigenvalue eigenvalues
    spectrum operator operators manifold manifolds geometry topology homology cohomology category functor
    algebra algebras group groups lattice lattices polynomial polynomials conjecture theorem lemma proof
    bound bounds inequality estimate estimates measure measures probability distribution distributions
    process processes martingale variance entropy information divergence likelihood posterior prior sampler
    sampling diffusion score flow flows field fields particle particles boson bosons fermion fermions quark
    quarks gluon neutrino neutrinos photon photons electron electrons spin spins magnetization phase phases
    transition transitions symmetry symmetries gauge coupling couplings amplitude amplitudes scattering
    cross-section luminosity detector collider accelerator galaxy galaxies cluster clusters halo halos
    star stars planet planets exoplanet supernova supernovae black hole holes horizon spacetime gravity
    curvature metric cosmology inflation redshift dark matter energy radiation emission absorption
    spectroscopy telescope survey surveys observation observations catalogue instability turbulence
    viscosity fluid plasma wave waves soliton solitons oscillator resonance cavity qubit qubits entanglement
    decoherence circuit circuits channel channels code codes error errors noise signal signals frequency
    bandwidth protocol protocols algorithm algorithms heuristic complexity approximation solver solvers
    equation equations boundary condition conditions solution solutions regularity existence uniqueness
    stability convergence rate rates sample samples architecture architectures layer layers encoder decoder
    memory latency throughput hardware accelerator compiler scheduler system systems framework frameworks
    approach method methods technique techniques analysis experiments results performance accuracy robustness
    fairness privacy security attack attacks defense uncertainty calibration generalization scaling
    """
)

ADJECTIVES = _words(
    """
    deep shallow neural convolutional recurrent generative discriminative contrastive self-supervised
    unsupervised supervised semi-supervised adversarial robust efficient scalable sparse dense low-rank
    high-dimensional nonlinear linear convex nonconvex stochastic deterministic bayesian variational
    probabilistic causal multimodal multilingual large small pretrained federated distributed parallel
    online offline hierarchical recursive adaptive dynamic static temporal spatial spectral geometric
    topological algebraic combinatorial analytic asymptotic optimal minimax exact approximate quantum
    classical relativistic thermal magnetic topological superconducting ferromagnetic chiral supersymmetric
    conformal holographic cosmological galactic stellar planetary gravitational electroweak hadronic
    leptonic nuclear atomic molecular photonic optical acoustic elastic viscous turbulent laminar
    periodic quasi-periodic random finite infinite compact smooth discrete continuous local global uniform
    novel simple general unified principled interpretable explainable reliable accurate fast lightweight
    """
)

VERBS = _words(
    """
    improves outperforms reduces increases captures preserves achieves enables requires yields exhibits
    predicts explains recovers generalizes converges matches exceeds controls suppresses enhances
    stabilizes accelerates simplifies characterizes determines reveals constrains dominates induces
    """
)

METHODS = _words(
    """
    propose introduce study develop present analyze investigate derive establish construct compute
    evaluate demonstrate characterize prove measure estimate simulate design train extend generalize
    """
)

LATEX: tuple[str, ...] = (
    "$O(n \\log n)$", "$\\mathcal{O}(1/\\sqrt{T})$", "$\\alpha_s$", "$\\sqrt{s} = 13$ TeV", "$SU(N)$",
    "$\\mathcal{N}=4$", "$L^2$", "$\\epsilon$-optimal", "$k$-means", "$\\ell_1$", "$H^1(M)$",
    "$\\Lambda$CDM", "$z \\sim 2$", "$d \\geq 3$", "$p < 0.05$", "$\\beta$-VAE", "$T_c$",
    "$\\mathbb{Z}_2$", "$(k,\\ell)$-sparse", "$n^{-1/2}$",
)  # fmt: skip

SENTENCES: tuple[str, ...] = (
    "We {m} a {a} {n} for {t} based on {a} {n}.",
    "In this paper we {m} the {n} of {t} and show that it {v} the {n} of {a} {n}.",
    "Our approach {v} existing {n} on several {n} while using fewer {n}.",
    "The proposed {n} {v} the {a} {n} and {v} the {n} by a large margin.",
    "We show that {t} {v} the {n} of the {n} under {a} {n}.",
    "Learning {a} {n} from {n} is a central problem in {t}.",
    "Experiments on {a} {n} demonstrate that the method {v} {a} baselines.",
    "These results suggest that {a} {n} can be used to {m} {t} with {a} {n}.",
    "Based on this observation, we {m} a {a} {n} that {v} the {n}.",
    "We also {m} the {n} of {x} and find that the {n} {v} {a} {n}.",
    "Finally, we discuss the implications of {t} for {a} {n} and {n}.",
    "Using {a} {n}, we {m} that the {n} {v} the {a} {n} of the {n}.",
    "Most existing {n} rely on {a} {n}, which limits their {n} in {t}.",
    "We find that the {n} {v} {x} in the {a} regime.",
    "A key ingredient is a {a} {n} that {v} the {n} without {a} {n}.",
    "Our analysis is based on a {a} {n} and a {a} bound on the {n}.",
    "This allows us to {m} {t} for {a} {n} with {x} {n}.",
    "We further {m} the {n} and its {n} in the {a} limit.",
    "The {n} of {t} is shown to be {a} for all {a} {n}.",
    "Code and {n} are publicly available.",
    "We prove that the {n} is {a} and that the {n} {v} {x}.",
    "Numerical {n} confirm the {a} {n} and reveal a {a} {n}.",
    "Compared with {a} {n}, the new {n} {v} the {n} and the {n}.",
    "We {m} the {a} {n} of {t} and derive {a} {n} for the {n}.",
)  # fmt: skip

TITLES: tuple[str, ...] = (
    "{a} {n} for {t}",
    "On the {n} of {t}",
    "{t}: a {a} {n} approach",
    "Towards {a} {n} with {a} {n}",
    "{a} {n} and {n} in {t}",
    "Learning {a} {n} via {a} {n}",
    "{a} {n} of {t} with {x}",
    "A {a} {n} for {a} {n} and {t}",
    "{t} beyond {a} {n}",
    "Scaling {a} {n} for {t}",
    "{a} {n} in {a} {n}: {n} and {n}",
    "Revisiting {t} through {a} {n}",
)  # fmt: skip

FIRST_NAMES = _words(
    """
    Alice Bob Carol David Emma Felix Grace Hiroshi Ines Jakob Karin Liang Maria Nikolai Olga Pedro Qing Rahul
    Sofia Tomás Ulrike Victor Wei Xavier Yuki Zoe Amir Beatriz Chen Dmitri Elena Fatima Giulia Hans Ivan
    Jun Kwame Laura Mehmet Nadia Oscar Priya Rafael Sara Thomas Uma Vera William Xin Yusuf Zhang Anna
    Bruno Clara Daniel Eva François Gábor Hannah Ilya Julia Kenji Lucas Mei Noah Paula Ravi Stefan
    """
)

SURNAMES = _words(
    """
    Smith Müller Wang Li Zhang Chen Liu Kim Park Nguyen García Rodríguez Martínez Rossi Bianchi Dubois
    Martin Bernard Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Ivanov Petrov Sokolov
    Tanaka Suzuki Takahashi Watanabe Sato Kumar Singh Sharma Patel Gupta Khan Ahmed Hassan Ali Silva
    Santos Oliveira Costa Pereira Johansson Andersson Nielsen Hansen Jensen Kowalski Nowak Novák Horváth
    Yılmaz Kaya Cohen Levi Brown Jones Taylor Wilson Evans Thomas Roberts Walker White Harris Clark Lewis
    Robinson Wright Thompson Hughes Edwards Green Hall Wood Jackson Clarke Baker Turner Hill Moore Scott
    Young King Allen Adams Nelson Mitchell Campbell Anderson Carter Phillips Parker Collins Stewart
    """
)

SUFFIXES: tuple[str, ...] = ("Jr.", "Jr", "II", "III", "Sr.")
AFFILIATIONS: tuple[str, ...] = (
    "MIT", "CERN", "Stanford University", "University of Tokyo", "ETH Zurich", "Oxford", "Max Planck Institute",
    "Tsinghua University", "INFN, Sezione di Roma", "IHES", "Caltech", "University of Cambridge",
)  # fmt: skip

#: (primary category, weight, categories often cross-listed with it)
CATEGORIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("cs.LG", 20, ("stat.ML", "cs.AI", "cs.CV", "cs.CL", "math.OC")),
    ("cs.CV", 12, ("cs.LG", "cs.AI", "eess.IV", "cs.GR")),
    ("cs.CL", 10, ("cs.AI", "cs.LG", "cs.IR")),
    ("cs.AI", 5, ("cs.LG", "cs.MA", "cs.LO")),
    ("stat.ML", 4, ("cs.LG", "stat.ME", "math.ST")),
    ("cs.RO", 3, ("cs.LG", "cs.SY", "eess.SY")),
    ("cs.CR", 2, ("cs.LG", "cs.NI")),
    ("cs.DS", 2, ("cs.CC", "math.CO")),
    ("quant-ph", 6, ("cond-mat.str-el", "cs.ET", "physics.optics", "hep-th")),
    ("hep-th", 4, ("gr-qc", "math-ph", "math.MP", "hep-ph")),
    ("hep-ph", 4, ("hep-ex", "hep-lat", "astro-ph.CO")),
    ("hep-ex", 2, ("hep-ph", "physics.ins-det")),
    ("gr-qc", 2, ("astro-ph.HE", "hep-th")),
    ("astro-ph.GA", 3, ("astro-ph.CO", "astro-ph.SR")),
    ("astro-ph.CO", 3, ("astro-ph.GA", "hep-ph", "gr-qc")),
    ("astro-ph.SR", 2, ("astro-ph.EP", "astro-ph.GA")),
    ("astro-ph.HE", 2, ("astro-ph.CO", "gr-qc")),
    ("cond-mat.mtrl-sci", 3, ("cond-mat.str-el", "physics.comp-ph")),
    ("cond-mat.str-el", 2, ("cond-mat.supr-con", "quant-ph")),
    ("cond-mat.stat-mech", 2, ("nlin.CD", "physics.bio-ph")),
    ("math.PR", 2, ("math.ST", "math-ph", "math.AP")),
    ("math.AP", 2, ("math.DS", "math.FA")),
    ("math.AG", 2, ("math.NT", "math.RT")),
    ("math.CO", 2, ("cs.DM", "math.PR")),
    ("math.OC", 2, ("cs.LG", "math.NA", "eess.SY")),
    ("physics.optics", 1, ("quant-ph", "physics.app-ph")),
    ("eess.SP", 1, ("cs.IT", "math.IT", "cs.LG")),
    ("q-bio.NC", 1, ("cs.NE", "q-bio.QM")),
    ("econ.EM", 1, ("stat.ME", "q-fin.ST")),
)  # fmt: skip

#: Archives of old-style ids (``hep-th/9901001``) and a primary category each.
OLD_ARCHIVES: tuple[tuple[str, str], ...] = (
    ("hep-th", "hep-th"), ("hep-ph", "hep-ph"), ("astro-ph", "astro-ph"), ("cond-mat", "cond-mat.str-el"),
    ("quant-ph", "quant-ph"), ("gr-qc", "gr-qc"), ("math", "math.AG"), ("math", "math.PR"), ("cs", "cs.LG"),
    ("physics", "physics.optics"), ("nucl-th", "nucl-th"), ("hep-ex", "hep-ex"),
)  # fmt: skip

JOURNALS: tuple[tuple[str, str], ...] = (
    ("Phys. Rev. D", "PhysRevD"), ("Phys. Rev. Lett.", "PhysRevLett"), ("JHEP", "JHEP"),
    ("Astrophys. J.", "apj"), ("Nature Physics", "nphys"), ("J. Mach. Learn. Res.", "jmlr"),
    ("Ann. Math.", "annals"), ("Commun. Math. Phys.", "s00220"), ("IEEE Trans. Pattern Anal. Mach. Intell.",
    "TPAMI"), ("Mon. Not. R. Astron. Soc.", "mnras"), ("Phys. Lett. B", "physletb"), ("Quantum", "q"),
)  # fmt: skip

COMMENTS: tuple[str, ...] = (
    "{p} pages, {f} figures", "{p} pages, {f} figures; accepted at NeurIPS", "{p} pages", "v{v}: typos fixed",
    "{p} pages, {f} figures, {t} tables", "Published version; {p} pages", "{p} pages; code available",
    "{p} pages, {f} figures; v{v}: references added",
)  # fmt: skip

LICENSES: tuple[str | None, ...] = (
    None,
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
)


def weighted(weights: list[tuple[_T, int]]) -> tuple[_T, ...]:
    """Each value ``weight`` times: indexing with ``int(random() * len(table))`` draws by weight, cheaply."""
    return tuple(value for value, weight in weights for _ in range(weight))


AUTHOR_COUNTS = weighted(list(zip(range(1, 16), (12, 20, 18, 14, 10, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1), strict=True)))
VERSION_COUNTS = weighted([(1, 55), (2, 28), (3, 12), (4, 5)])
PRIMARIES = weighted([((primary, cross), weight) for primary, weight, cross in CATEGORIES])


@functools.cache
def text_pools() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """4,096 runs of three sentences (line-wrapped like the snapshot) and 4,096 titles, the same every time.

    ``§`` marks where the paper's topic goes.
    """
    rng = random.Random(20070402)
    words = {"n": NOUNS, "a": ADJECTIVES, "v": VERBS, "m": METHODS, "x": LATEX}

    def fill(template: str) -> str:
        text = re.sub(r"\{(\w)\}", lambda m: "§" if m[1] == "t" else rng.choice(words[m[1]]), template)
        return re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)

    runs = []
    for _ in range(4096):
        run = " ".join(fill(rng.choice(SENTENCES)) for _ in range(3))
        for start in range(70, len(run) - 10, 75):  # submitters' line breaks, kept by the snapshot
            cut = run.find(" ", start)
            run = run if cut < 0 else f"{run[:cut]}\n{run[cut + 1 :]}"
        runs.append(run)
    titles = [fill(rng.choice(TITLES)) for _ in range(4096)]
    titles = [t if rng.random() < 0.9 or "$" in t else f"{t} with {rng.choice(LATEX)}" for t in titles]
    return tuple(runs), tuple(titles)


#: The months of old-style ids, July 1991 to March 2007, as (year, month).
OLD_MONTHS = tuple((y, m) for y in range(1991, 2008) for m in range(1, 13) if 199107 <= y * 100 + m <= 200703)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc2822_text(at: int) -> str:
    """Epoch seconds as the snapshot writes a version's date: ``Mon, 2 Apr 2007 19:18:42 GMT``."""
    t = time.gmtime(at)
    w, mo = _WEEKDAYS[t.tm_wday], _MONTHS[t.tm_mon - 1]
    return f"{w}, {t.tm_mday} {mo} {t.tm_year} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
