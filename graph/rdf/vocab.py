"""Our own ontology terms as a namespace class.

A typo (``JC.cooperatesWit``) is an AttributeError, not a silent new IRI; a test keeps
this list in step with ``ontology/jura-coop.ttl``.
"""

from pathlib import Path
from urllib.parse import quote

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef


class JC(DefinedNamespace):
    """Terms of https://w3id.org/jura-coop/ontology#."""

    _NS = Namespace("https://w3id.org/jura-coop/ontology#")
    _fail = True

    # Classes
    Agreement: URIRef  # agreement
    AlternativeValue: URIRef  # alternative value
    Cooperation: URIRef  # cooperation relation
    Country: URIRef  # country
    Enlargement: URIRef  # enlargement
    Externalisation: URIRef  # externalisation
    Founding: URIRef  # founding
    Fund: URIRef  # fund
    FundingChannel: URIRef  # funding channel
    FundingProgramme: URIRef  # funding programme
    LegalProvision: URIRef  # legal provision
    Merger: URIRef  # merger
    Policy: URIRef  # public policy
    ProgrammePeriod: URIRef  # programming period
    Renaming: URIRef  # renaming
    RetainedValue: URIRef  # retained value
    SavingsProgramme: URIRef  # savings programme
    SourceExcerpt: URIRef  # source excerpt
    Territory: URIRef  # territory

    # Properties
    actor: URIRef  # actor
    administrativeCentre: URIRef  # administrative centre
    alternativeValue: URIRef  # alternative value
    axis: URIRef  # axis
    budget: URIRef  # budget
    canFund: URIRef  # can fund
    cooperatesWith: URIRef  # cooperates with
    duration: URIRef  # duration
    ended: URIRef  # ended
    formerName: URIRef  # former name
    framework: URIRef  # framework
    governs: URIRef  # governs
    fundedItem: URIRef  # funded item
    funder: URIRef  # funder
    inseeCode: URIRef  # INSEE code
    iso31662: URIRef  # ISO 3166-2 code
    legalBasis: URIRef  # legal basis
    managingAuthority: URIRef  # managing authority
    mandatedOrganization: URIRef  # mandated organisation
    newMember: URIRef  # new member
    newName: URIRef  # new name
    nutsCode: URIRef  # NUTS code
    nutsVersion: URIRef  # NUTS version
    objective: URIRef  # objective
    ofsNumber: URIRef  # FSO number
    onProperty: URIRef  # property concerned
    partner: URIRef  # partner
    party: URIRef  # party
    placeOfApproval: URIRef  # place of approval
    placeOfSignature: URIRef  # place of signature
    retainedValue: URIRef  # retained value
    retentionReason: URIRef  # reason for retaining
    sirenNumber: URIRef  # SIREN number
    statesBoth: URIRef  # also states the other value
    task: URIRef  # task
    theme: URIRef  # field of action


#: Base of every instance IRI: ``https://w3id.org/jura-coop/id/<slug>``.
ID = Namespace("https://w3id.org/jura-coop/id/")
#: Concepts of the SKOS schemes in ``ontology/schemes.ttl``.
CONCEPT = Namespace("https://w3id.org/jura-coop/id/concept/")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("https://schema.org/")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
WD = Namespace("http://www.wikidata.org/entity/")

#: Prefix -> path segment under ID, one per kind of instance.
INSTANCE_PATHS: dict[str, str] = {
    "src": "source",
    "extrait": "extrait",
    "coop": "cooperation",
    "adhesion": "adhesion",
    "fin": "financement",
    "accord": "accord",
    "evt": "evenement",
    "lieu": "lieu",
    "terr": "territoire",
    "montant": "montant",
    "poste": "poste",
    "alt": "divergence",
}

#: Prefixes bound on every graph we build, so every serialisation reads the same.
PREFIXES: dict[str, str] = {
    "jc": str(JC._NS),
    "id": str(ID),
    "concept": str(CONCEPT),
    # One prefix per kind of instance, so hand-written Turtle stays readable
    # (a Turtle local name cannot contain "/": ``id:source/x`` would not parse).
    **{p: f"{ID}{path}/" for p, path in INSTANCE_PATHS.items()},
    "cv": str(CV),
    "schema": str(SCHEMA),
    "wgs": str(WGS),
    "wd": str(WD),
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "locn": "http://www.w3.org/ns/locn#",
    "vann": "http://purl.org/vocab/vann/",
    # The dataset description (graph.dataset.describe).
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}

#: Named graphs: one per data file (``graph_iri``), one for the ontology, one for the
#: edges the rules derive. Defined here, with the namespaces, because the loader, the
#: query engines, the query checker and the server all name them.
GRAPH_BASE = "https://w3id.org/jura-coop/graph/"
ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")
INFERRED_GRAPH = URIRef(GRAPH_BASE + "inferred")


def graph_iri(path: Path) -> URIRef:
    """The named graph of a data file: ``https://w3id.org/jura-coop/graph/<file stem>``."""
    return URIRef(GRAPH_BASE + quote(path.stem))
